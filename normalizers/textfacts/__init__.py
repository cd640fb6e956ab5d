"""Facts in running text: amounts, execution records, governments, program tags.

`reader.document_to_text_facts` is the entry point; `nlp` is the spaCy
adapter, `mentions` and `executions` turn entities and blocks into rows, and
`tags` holds the department and policy-domain finders.
"""
