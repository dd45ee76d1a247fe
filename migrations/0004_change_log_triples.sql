-- The change log records what small writes changed, not only how much: the triples of each ADD
-- and DEL that committed, by term id (s, p, o in step; provenance and split per added triple).
-- A process holding a graph at change N applies the records after N to its version in memory
-- instead of rebuilding it from the tables. Loads and ontology changes keep NULL arrays: a
-- process that meets one rebuilds (loads) or re-reads the ontology.
--
-- Retention: the store keeps the last 10,000 records per graph (pruned as writes go). A process
-- that fell further behind finds a gap and rebuilds its snapshot from the tables.
ALTER TABLE changes
    ADD COLUMN s          bigint[],
    ADD COLUMN p          bigint[],
    ADD COLUMN o          bigint[],
    ADD COLUMN provenance smallint[],
    ADD COLUMN split      smallint[];
