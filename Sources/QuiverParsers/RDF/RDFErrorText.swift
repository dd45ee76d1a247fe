/// Error texts the RDF readers share, so that one mistake reads the same in every syntax.
extension ErrorText {
    /// A `\u`/`\U` escape in an IRI that stands for a character IRIREF forbids written out. The
    /// grammar lets any UCHAR through, but what it decodes to would not be an IRI (RFC 3987), and
    /// the W3C tests refuse it (turtle-eval-bad-01..04, trig-eval-bad-01..04).
    static let escapeAllowedInIRI =
        "an escape of a character IRIs allow (not a space, a control character or one of <>\"{}|^`\\)"
    /// ':' inside a blank node label of N-Triples or N-Quads.
    static let blankLabelWithoutColon = "blank node label characters (':' is not one)"
    /// A named graph in a dataset syntax read as triples: its statements would otherwise be dropped
    /// or merged into the default graph without a word.
    static let defaultGraphOnly = "a statement in the default graph (named graphs can only be read as quads)"
}
