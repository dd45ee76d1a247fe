import QuiverPostgres

/// A trained model as stored: what `quiver train` saved under a name, per graph.
public struct StoredModel: Sendable {
    public var graph: String
    public var name: String
    public var kind: String
    /// JSON text.
    public var hyperparameters: String
    /// JSON text.
    public var metrics: String
    /// The model archive; empty in listings.
    public var weights: [UInt8]
    public var weightBytes: Int
    public var trainedOnSeq: Int64
    public var trainedAt: String

    public init(graph: String, name: String, kind: String, hyperparameters: String, metrics: String, weights: [UInt8],
                weightBytes: Int = 0, trainedOnSeq: Int64, trainedAt: String = "") {
        self.graph = graph
        self.name = name
        self.kind = kind
        self.hyperparameters = hyperparameters
        self.metrics = metrics
        self.weights = weights
        self.weightBytes = weightBytes
        self.trainedOnSeq = trainedOnSeq
        self.trainedAt = trainedAt
    }
}

extension Store {
    /// Saves (or replaces) a model of a graph in one statement.
    public func saveModel(_ m: StoredModel) throws {
        do { try validateGraphName(m.name) } catch StoreError.invalidGraphName(_, let reason) {
            throw StoreError.input("invalid model name '\(m.name)': \(reason)")
        }
        try withConnection { conn in
            guard let g = try Store.graph(named: m.graph, conn) else { throw StoreError.graphNotFound(m.graph) }
            _ = try conn.execute("""
                INSERT INTO models (graph_id, name, kind, hyperparameters, metrics, weights, trained_on_seq)
                VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7)
                ON CONFLICT (graph_id, name) DO UPDATE SET kind = EXCLUDED.kind, hyperparameters = EXCLUDED.hyperparameters,
                    metrics = EXCLUDED.metrics, weights = EXCLUDED.weights, trained_on_seq = EXCLUDED.trained_on_seq,
                    trained_at = now()
                """, [.int32(g.id), .text(m.name), .text(m.kind), .text(m.hyperparameters), .text(m.metrics), .bytes(m.weights),
                      .int64(m.trainedOnSeq)])
        }
    }

    /// Replaces a stored model's metrics (after `quiver eval`).
    public func updateModelMetrics(graph: String, name: String, metrics: String) throws {
        try withConnection { conn in
            guard let g = try Store.graph(named: graph, conn) else { throw StoreError.graphNotFound(graph) }
            let r = try conn.execute("UPDATE models SET metrics = $3::jsonb WHERE graph_id = $1 AND name = $2",
                                     [.int32(g.id), .text(name), .text(metrics)])
            if r.affectedRows == 0 { throw StoreError.modelNotFound(graph: graph, name: name) }
        }
    }

    /// The model `name` of `graph` with its weights, or `StoreError.modelNotFound`.
    public func model(graph: String, name: String) throws -> StoredModel {
        try model(graph: graph, name: name, sliceBytes: Self.modelSliceBytes)
    }

    /// Weights are read this many bytes at a time: a value comes back hex-encoded, twice its
    /// size, and PostgreSQL refuses to make a text of 1 GiB or more (a 1M-entity model's weights
    /// are about 1 GiB).
    static let modelSliceBytes = 256 << 20

    func model(graph: String, name: String, sliceBytes: Int) throws -> StoredModel {
        try withConnection { conn in
            guard let g = try Store.graph(named: graph, conn) else { throw StoreError.graphNotFound(graph) }
            // One transaction, so that the slices are of one saved version.
            return try conn.transaction {
                let r = try conn.execute("""
                    SELECT name, kind, hyperparameters::text, metrics::text, NULL, octet_length(weights), trained_on_seq, trained_at::text
                    FROM models WHERE graph_id = $1 AND name = $2
                    """, [.int32(g.id), .text(name)])
                guard r.rowCount == 1 else { throw StoreError.modelNotFound(graph: graph, name: name) }
                let total = r.int(0, 5) ?? 0
                var weights: [UInt8] = []
                weights.reserveCapacity(total)
                while weights.count < total {
                    let slice = try conn.execute(
                        "SELECT substring(weights FROM $3::int FOR $4::int) FROM models WHERE graph_id = $1 AND name = $2",
                        [.int32(g.id), .text(name), .int64(Int64(weights.count + 1)), .int64(Int64(max(1, sliceBytes)))])
                    guard slice.rowCount == 1, let part = slice.bytes(0, 0), !part.isEmpty else {
                        throw StoreError.modelNotFound(graph: graph, name: name)
                    }
                    weights += part
                }
                return Store.storedModel(r, 0, graph: graph, weights: weights)
            }
        }
    }

    /// When model `name` of `graph` was last saved (nil when there is none): a cheap check that a
    /// cached copy is current.
    public func modelStamp(graph: String, name: String) throws -> String? {
        try withConnection { conn in
            guard let g = try Store.graph(named: graph, conn) else { throw StoreError.graphNotFound(graph) }
            let r = try conn.execute("SELECT trained_at::text FROM models WHERE graph_id = $1 AND name = $2", [.int32(g.id), .text(name)])
            return r.rowCount == 1 ? r.string(0, 0) : nil
        }
    }

    /// The models of a graph, by name, without their weights.
    public func models(graph: String) throws -> [StoredModel] {
        try withConnection { conn in
            guard let g = try Store.graph(named: graph, conn) else { throw StoreError.graphNotFound(graph) }
            let r = try conn.execute("""
                SELECT name, kind, hyperparameters::text, metrics::text, NULL, octet_length(weights), trained_on_seq, trained_at::text
                FROM models WHERE graph_id = $1 ORDER BY name
                """, [.int32(g.id)])
            return (0 ..< r.rowCount).map { Store.storedModel(r, $0, graph: graph, weights: []) }
        }
    }

    /// Deletes a model; false when there was none of that name.
    public func deleteModel(graph: String, name: String) throws -> Bool {
        try withConnection { conn in
            guard let g = try Store.graph(named: graph, conn) else { throw StoreError.graphNotFound(graph) }
            return try conn.execute("DELETE FROM models WHERE graph_id = $1 AND name = $2", [.int32(g.id), .text(name)]).affectedRows > 0
        }
    }

    private static func storedModel(_ r: PGResult, _ i: Int, graph: String, weights: [UInt8]) -> StoredModel {
        StoredModel(graph: graph, name: r.string(i, 0) ?? "", kind: r.string(i, 1) ?? "", hyperparameters: r.string(i, 2) ?? "{}",
                    metrics: r.string(i, 3) ?? "{}", weights: weights, weightBytes: r.int(i, 5) ?? 0,
                    trainedOnSeq: r.int64(i, 6) ?? 0, trainedAt: r.string(i, 7) ?? "")
    }
}
