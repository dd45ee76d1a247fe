// QuiverSPARQLProtocol: the SPARQL 1.1 Protocol and Graph Store HTTP Protocol as pure functions of
// an HTTP request's parts (method, target, headers, body). No sockets, no SwiftNIO: the daemon
// reads the request, calls these, and writes what they decide.
//
// HTTP/               statuses, header lookup, the request target, form decoding, media types,
//                     HTTPRequestError (every refusal, with its status and response headers).
// Operations/         the /sparql classifier (query, update, service description) and the
//                     Graph Store classifier (/store, and /sparql?graph=… or ?default).
// Negotiation/        the Accept header, the results and RDF formats, choosing one to answer in.
// ServiceDescription/ the SPARQL 1.1 Service Description document in Turtle.
// Access/             HTTP Basic credentials and CORS.
