-- wrk: POST record 0 of the benchmark (bench/records.h) to createAccount with
-- the headers accountkit sends.
wrk.method = "POST"
wrk.body = '{"account_name":"Bench Account 0","agents":1,"inboxes":1,"admin_email":"admin0@bench.example","admin_name":"Admin User 0","admin_displayName":"Admin 0","admin_password":"Bench!Pass0","reference":"bench0"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-token"
