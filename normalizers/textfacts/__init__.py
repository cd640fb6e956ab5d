"""Facts in running text: amounts, execution records, governments, program tags.

`reader.document_to_text_facts` is the entry point; `entities` finds the typed
entities everything reads, `nlp` wraps them as a spaCy pipeline at the edge,
`mentions` and `executions` turn entities and blocks into rows, and `tags`
holds the department and policy-domain finders.
"""
