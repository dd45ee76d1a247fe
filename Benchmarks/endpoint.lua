-- wrk script for Benchmarks/endpoint.sh: one kind of SPARQL request per run, with random
-- nodes of the benchmark graph (gen_graph.py names them e0 … e<N-1>), seeded per thread.
--   wrk … -s Benchmarks/endpoint.lua URL -- KIND ENTITIES QUERY-PATH UPDATE-PATH
-- KIND: point (a node's out-edges), twohop (nodes two steps out, at most 100), insert1 (INSERT
-- DATA of 1 new triple), insert1000 (1,000 new triples per request).
local kind, entities, queryPath, updatePath
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  kind, entities, queryPath, updatePath = args[1], tonumber(args[2]), args[3], args[4]
  math.randomseed(1000 + tid)
end

local N = "urn:quiver:name:"

request = function()
  if kind == "point" or kind == "twohop" then
    local e = "<" .. N .. "e" .. math.random(0, entities - 1) .. ">"
    local q
    if kind == "point" then
      q = "SELECT ?p ?o WHERE { " .. e .. " ?p ?o }"
    else
      q = "SELECT ?y WHERE { " .. e .. " ?p ?x . ?x ?q ?y } LIMIT 100"
    end
    return wrk.format("GET", queryPath .. "?query=" .. encode(q), { ["Accept"] = "application/sparql-results+json" })
  end
  counter = counter + 1
  local n = kind == "insert1" and 1 or 1000
  local parts = { "INSERT DATA {" }
  for i = 1, n do
    parts[#parts + 1] = string.format(" <%su%d_%d_%d> <%sadded> <%se%d> .", N, tid, counter, i, N, N, math.random(0, entities - 1))
  end
  parts[#parts + 1] = " }"
  return wrk.format("POST", updatePath, { ["Content-Type"] = "application/sparql-update" }, table.concat(parts))
end

-- Non-2xx answers would be counted as fast requests: fail the run instead.
response = function(status, headers, body)
  if status >= 300 then
    io.stderr:write("HTTP " .. status .. ": " .. string.sub(body, 1, 200) .. "\n")
    os.exit(1)
  end
end
