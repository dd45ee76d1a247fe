// QuiverPostgres: a small Swift layer over libpq, and the embedded PostgreSQL cluster.
//
// - `Connection/`: `PGConnection` (statements, transactions, COPY, LISTEN/NOTIFY), `PGResult`,
//   `PGValue`, `PGError`.
// - `BinaryCopy/`: encoder and incremental decoder for `COPY ... WITH (FORMAT binary)`.
// - `EmbeddedCluster/`: the private PostgreSQL server Quiver runs when no database URL is given.
//   The lifecycle decisions and file formats are pure (`ClusterLayout`, `PostmasterPidFile`,
//   `ClusterLifecycle`); `EmbeddedCluster` performs the I/O.
