-- The database's ceiling for one help-desk transition, from one client: lock one row, insert
-- three rows (the event, two outbox rows), commit. Run by `python -m bench transitions`
-- (bench/transitions.py), which creates and drops the two scratch tables around it.
\set id random(1, 1000)
BEGIN;
SELECT id FROM bench_lock_row WHERE id = :id FOR UPDATE;
INSERT INTO bench_insert_row (row_id, body) VALUES (:id, 'evento');
INSERT INTO bench_insert_row (row_id, body) VALUES (:id, 'correo');
INSERT INTO bench_insert_row (row_id, body) VALUES (:id, 'bandeja');
COMMIT;
