-- wrk script: POSTs the OCSP request in $OCSP_REQUEST (DER) on every request
-- (keep-alive), and counts answers that are not HTTP 200.
local file = assert(io.open(os.getenv("OCSP_REQUEST"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/ocsp-request"
