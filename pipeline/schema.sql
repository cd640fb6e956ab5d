-- The plan database (../shared/PLAN_SCHEMA.md), version in PRAGMA user_version.
-- Columns beyond the contract are marked "ext". Ids of facts are stable text
-- ids "<first 12 hex of doc_id>:<local id>", so re-running a document gives
-- the same ids.

CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,            -- SHA-256 hex of the file bytes
    path TEXT NOT NULL,                 -- as given, relative to the input root
    root TEXT,                          -- ext: the input root (absolute), so equal paths under two roots stay apart
    format TEXT,
    encoding TEXT,
    pages INTEGER,
    title TEXT,
    doc_type TEXT,
    region_code TEXT,                   -- code in force today
    region_code_issued TEXT,            -- code in force when issued, where different
    region_name TEXT,
    plan_term INTEGER,
    period_start INTEGER,
    period_end INTEGER,
    status TEXT NOT NULL,               -- ok | partial | failed
    error TEXT,
    issued_year INTEGER,                -- ext: year the document was issued, where printed
    size_bytes INTEGER,                 -- ext
    pipeline_version TEXT,              -- ext: reruns skip a file whose hash and version are unchanged
    processed_at TEXT,                  -- ext: UTC ISO time
    seconds REAL,                       -- ext: extraction + normalisation time
    issues TEXT,                        -- ext: JSON list of {code, message, page, line}: extractor and normaliser issues
    protection TEXT,                    -- ext (v4): how the file was protected yet readable: 'distribution' (배포용 HWP)
    fingerprint TEXT,                   -- ext (v4): bottom-k sketch of the text (shingle hashes) that finds copies
    work_id TEXT,                       -- ext (v3): the work this file is a copy of (works.work_id)
    is_primary INTEGER                  -- ext (v3): 1 = the copy of its work that sums use (views show only these)
);

-- ext (v3): every input path seen, so copies with identical bytes keep their own row
-- (documents has one row per distinct content).
CREATE TABLE IF NOT EXISTS files (
    root TEXT NOT NULL DEFAULT '',      -- input root (absolute), '' when unknown
    path TEXT NOT NULL,                 -- relative to the root
    doc_id TEXT NOT NULL,               -- documents.doc_id (SHA-256 of the bytes)
    format TEXT,
    status TEXT,                        -- this path's own outcome (ok | partial | failed)
    error TEXT,
    size_bytes INTEGER,
    first_seen TEXT,                    -- UTC ISO time of the first run that saw the path
    last_seen TEXT,                     -- ... and of the last
    PRIMARY KEY (root, path)
);
CREATE INDEX IF NOT EXISTS files_doc ON files(doc_id);

-- ext (v3): one row per work: a document and its copies in other formats (same issuer,
-- period and title, substantially the same text or facts).
CREATE TABLE IF NOT EXISTS works (
    work_id TEXT PRIMARY KEY,           -- 'w:' + first 12 hex of the smallest doc_id of its copies
    primary_doc_id TEXT NOT NULL,       -- the copy that extracted best (fewest issues, most facts, format)
    n_copies INTEGER,
    formats TEXT,                       -- formats of the copies, '|'-separated, primary first
    title TEXT,
    doc_type TEXT,
    region_code TEXT,
    region_name TEXT,
    period_start INTEGER,
    period_end INTEGER,
    issued_year INTEGER,
    similarity REAL                     -- lowest text/fact similarity by which a copy joined the work (1 for one copy)
);
CREATE INDEX IF NOT EXISTS documents_path ON documents(path, root);   -- a changed file replaces its old version

CREATE TABLE IF NOT EXISTS sections (
    section_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    parent_id TEXT,
    seq INTEGER,
    level INTEGER,
    number TEXT,
    title TEXT,
    kind TEXT,
    page INTEGER,
    text TEXT,
    line INTEGER,                       -- ext: first line of the heading (text formats)
    search_text TEXT                    -- ext (v3): the lines of title + text that search sees otherwise than
                                        -- printed (Hancom glyphs, ᆞ for ㆍ, letter-spaced words), in search form
                                        -- (v5: only those lines; v3-4 held the whole text)
);
CREATE INDEX IF NOT EXISTS sections_doc ON sections(doc_id);

-- Full-text search (v3): `sections_fts` is an FTS5 trigram index with external content over
-- sections(title, text, search_text), kept in step by triggers; it is created by sqlite-utils
-- (pipeline/upgrade.py), so Datasette finds it. Trigram finds substrings of 3+ characters;
-- search falls back to LIKE for 1-2 character terms (예산).

CREATE TABLE IF NOT EXISTS doc_tables (
    table_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    section_id TEXT,
    seq INTEGER,
    page INTEGER,
    page_end INTEGER,                   -- ext: last page of a table stitched across pages
    caption TEXT,
    unit_text TEXT,
    n_rows INTEGER,
    n_cols INTEGER,
    header_rows INTEGER
);
CREATE INDEX IF NOT EXISTS doc_tables_doc ON doc_tables(doc_id);

CREATE TABLE IF NOT EXISTS table_cells (
    table_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,               -- ext
    row INTEGER NOT NULL,
    col INTEGER NOT NULL,
    row_span INTEGER,
    col_span INTEGER,
    text TEXT,
    is_header INTEGER,
    PRIMARY KEY (table_id, row, col)
);
-- No index on table_cells.doc_id (v5: it was a fifth of the file): a document's cells are one range of the
-- key, table_id >= '<12 hex>:' AND table_id < '<12 hex>;', or join doc_tables (indexed by doc_id).

CREATE TABLE IF NOT EXISTS strategies (
    strategy_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    number TEXT,
    title TEXT,
    section_id TEXT,
    number_raw TEXT,                    -- ext: number as printed
    system TEXT,                        -- ext: strategy system (I, II) where a plan has two
    page INTEGER, table_id TEXT, row INTEGER   -- ext: provenance
);
CREATE INDEX IF NOT EXISTS strategies_doc ON strategies(doc_id);

CREATE TABLE IF NOT EXISTS programs (
    program_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    strategy_id TEXT,
    parent_id TEXT,
    code TEXT,                          -- ASCII-normalised, e.g. II-1-1-1
    code_raw TEXT,                      -- as printed, e.g. Ⅱ-1-1-1
    name TEXT,
    description TEXT,
    department TEXT,
    is_priority INTEGER,
    page INTEGER,
    table_id TEXT,
    row INTEGER,
    subgroup TEXT,                      -- ext: sub-group number (II-1-1) between strategy and program
    domains TEXT,                       -- ext: policy domains, '|'-separated (see program_tags)
    target_groups TEXT,                 -- ext: target groups, '|'-separated (see program_tags)
    subgroup_name TEXT,                 -- ext (v3): the 6th-term 대표과업's name (its code is `subgroup`)
    team TEXT,                          -- ext (v3): 담당팀 beside the department (never a person or phone)
    is_new INTEGER,                     -- ext (v3): 6기 신규 사업 (○ 1, × 0)
    is_non_budget INTEGER,              -- ext (v3): 비예산 (6th-term budget cells printed 0): no budget rows
    basic_plan_link TEXT                -- ext (v3): 제3차 사회보장기본계획 strategies linked, as printed ('②, ③')
);
CREATE INDEX IF NOT EXISTS programs_doc ON programs(doc_id);

CREATE TABLE IF NOT EXISTS program_classes (   -- ext (v3): a program's 6th-term classification codes
    program_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    category TEXT NOT NULL,             -- 사업대상 | 사업형태 | 생애주기 | 가구유형 | 세부사업영역 | 선정기준
    code TEXT,                          -- as printed: ②
    label TEXT,                         -- the template's label of that code: 개인 및 가구 (NULL: not in its list)
    page INTEGER, table_id TEXT, row INTEGER, col INTEGER
);
CREATE INDEX IF NOT EXISTS program_classes_doc ON program_classes(doc_id);

CREATE TABLE IF NOT EXISTS program_tags (   -- ext: one row per program and tag
    program_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    tag_type TEXT NOT NULL,             -- domain | target_group
    tag TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS program_tags_doc ON program_tags(doc_id);

CREATE TABLE IF NOT EXISTS indicators (
    indicator_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    program_id TEXT,
    strategy_id TEXT,
    name TEXT,
    unit TEXT,
    table_id TEXT,
    row INTEGER,
    name_text TEXT,                     -- ext: the cell text as printed
    page INTEGER,                       -- ext
    subgroup TEXT,                      -- ext (v3): a 6th-term 대표과업's indicator: its code (strategy_id its strategy)
    definition TEXT,                    -- ext (v3): 지표정의
    basis TEXT,                         -- ext (v3): 목표수준 산출근거 / 목표설정 근거
    data_source TEXT                    -- ext (v3): 자료출처
);
CREATE INDEX IF NOT EXISTS indicators_doc ON indicators(doc_id);

CREATE TABLE IF NOT EXISTS indicator_targets (
    indicator_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,               -- ext
    year INTEGER,
    is_baseline INTEGER,
    value REAL,
    value_text TEXT,
    col INTEGER,                        -- ext: table column
    table_id TEXT,                      -- ext (v3): the table this year's value is printed in (6th-term forms)
    row INTEGER                         -- ext (v3)
);
CREATE INDEX IF NOT EXISTS indicator_targets_doc ON indicator_targets(doc_id);

CREATE TABLE IF NOT EXISTS budgets (
    budget_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    program_id TEXT,
    strategy_id TEXT,
    item TEXT,
    year INTEGER,                       -- NULL = total over the plan period
    amount_krw INTEGER,
    amount_text TEXT,
    unit_text TEXT,
    kind TEXT,                          -- planned | baseline | executed
    fund_source TEXT,
    is_total INTEGER,
    page INTEGER,
    table_id TEXT,
    row INTEGER,
    col INTEGER,
    department TEXT,                    -- ext: department printed with a budget line
    parent_budget_id TEXT,              -- ext (v3): the row this one is a part of; leaves (is_total = 0) sum to the grand total
    fund_name TEXT,                     -- ext (v3): the source's own name (③기타 (사회복지공동모금회) -> 사회복지공동모금회)
    share_pct REAL,                     -- ext (v3): the printed share of the line's total (a 6th-term card's (30%))
    share_text TEXT                     -- ext (v3): the share as printed
);
CREATE INDEX IF NOT EXISTS budgets_doc ON budgets(doc_id);

CREATE TABLE IF NOT EXISTS executions (
    execution_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    region_code TEXT,
    region_name TEXT,
    program_id TEXT,
    item TEXT,
    year INTEGER,
    budget_krw INTEGER,
    executed_krw INTEGER,
    rate_pct REAL,
    page INTEGER,
    section_id TEXT,
    budget_text TEXT, executed_text TEXT, rate_text TEXT,   -- ext: as printed
    unit_text TEXT, unit_source TEXT,   -- ext: unit and how it was decided
    line INTEGER                        -- ext
);
CREATE INDEX IF NOT EXISTS executions_doc ON executions(doc_id);

CREATE TABLE IF NOT EXISTS mentions (
    mention_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    section_id TEXT,
    kind TEXT,                          -- money | percent | count | date
    text TEXT,
    value REAL,
    unit TEXT,
    amount_krw INTEGER,
    char_start INTEGER,
    char_end INTEGER,
    fund_source TEXT,                   -- ext
    page INTEGER, line INTEGER,         -- ext
    currency TEXT,                      -- ext (v3): money: ISO 4217 code (KRW, USD, JPY …); amount_krw only for KRW
    currency_amount REAL                -- ext (v3): money: the amount in that currency (never converted)
);
CREATE INDEX IF NOT EXISTS mentions_doc ON mentions(doc_id);

CREATE TABLE IF NOT EXISTS checks (
    check_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    kind TEXT,                          -- row_total | column_total | subtotal | strategy_total | fund_total | fund_share | cross_form | rate | breakdown_sum
    table_id TEXT,
    row INTEGER,
    col INTEGER,
    expected REAL,
    actual REAL,
    ok INTEGER,
    note TEXT,
    program_id TEXT,                    -- ext (v3): the program the checked figure belongs to
    year INTEGER,                       -- ext (v3): the year the checked figure belongs to
    strategy_id TEXT                    -- ext (v3): the strategy of a strategy-level figure (program_id NULL)
);
CREATE INDEX IF NOT EXISTS checks_doc ON checks(doc_id);

CREATE TABLE IF NOT EXISTS doc_regions (
    doc_id TEXT NOT NULL,
    region_code TEXT,
    region_code_issued TEXT,
    region_name TEXT,                   -- as printed
    role TEXT,                          -- issuer | subject | mentioned
    section_id TEXT,
    official_name TEXT                  -- ext: today's official full name
);
CREATE INDEX IF NOT EXISTS doc_regions_doc ON doc_regions(doc_id);

CREATE TABLE IF NOT EXISTS regions (
    code TEXT PRIMARY KEY,
    name TEXT,
    short_name TEXT,
    level TEXT,                         -- sido | sigungu
    parent_code TEXT
);

CREATE TABLE IF NOT EXISTS region_codes (   -- ext: every code, abolished ones too, and today's code
    code TEXT PRIMARY KEY,
    name TEXT,
    level TEXT,
    status TEXT,                        -- 존재 (in force) | 폐지 (abolished)
    code_today TEXT,                    -- the code in force today (NULL: no known successor)
    valid_from TEXT,
    valid_to TEXT                       -- day the code stopped being used
);

CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT,
    finished_at TEXT,
    options TEXT,
    n_docs INTEGER,
    n_ok INTEGER,
    n_partial INTEGER,
    n_failed INTEGER,
    pipeline_version TEXT,
    n_skipped INTEGER,                  -- ext: unchanged files not processed again
    status TEXT                         -- ext: running | completed | interrupted (a killed run stays 'running')
);

-- Convenience view (ext): every budget line with its program, strategy and government,
-- primary copies only (v3), so sums count each fact once.
CREATE VIEW IF NOT EXISTS budget_lines AS
SELECT d.region_code, d.region_name, d.doc_type, d.period_start, d.period_end, d.path,
       s.number AS strategy_number, s.title AS strategy_title,
       p.code AS program_code, p.name AS program_name,
       COALESCE(p.department, b.department) AS department,
       b.item, b.year, b.kind, b.amount_krw, b.amount_text, b.unit_text, b.is_total,
       b.fund_source, b.fund_name, b.share_pct, b.parent_budget_id, b.doc_id, b.table_id, b.row, b.col, b.budget_id,
       d.work_id
FROM budgets b
JOIN documents d ON d.doc_id = b.doc_id
LEFT JOIN programs p ON p.program_id = b.program_id
LEFT JOIN strategies s ON s.strategy_id = COALESCE(b.strategy_id, p.strategy_id)
WHERE d.is_primary = 1;

-- ext (v3): planned spending per government, year and policy domain (primary copies, no
-- fund-source shares, no total rows).
CREATE VIEW IF NOT EXISTS domain_spending AS
SELECT d.region_code, d.region_name, b.year, t.tag AS domain, sum(b.amount_krw) AS amount_krw,
       count(*) AS n_budgets
FROM budgets b
JOIN program_tags t ON t.program_id = b.program_id AND t.tag_type = 'domain'
JOIN documents d ON d.doc_id = b.doc_id
WHERE d.is_primary = 1 AND b.kind = 'planned' AND b.year IS NOT NULL
  AND b.is_total = 0                          -- leaves only: no subtotal counted twice
GROUP BY d.region_code, d.region_name, b.year, t.tag;
