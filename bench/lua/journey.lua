-- One journey of the benchmark, driven by a plan (a Lua file written by bench/load.py, given
-- after "--"): each wrk thread holds one connection and its own list of users (session
-- cookie, CSRF token and the values its requests need), and walks the plan's steps in order.
--
-- Every response is checked: its status, and a marker in its body (or in a header). A checked
-- response moves to the next step; a failed one is counted and starts the sequence again (with
-- the next user when the plan moves on after each sequence). done() prints one line,
-- "BENCH_RESULT {json}", with wrk's figures and the counts of every thread.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  plan = dofile(args[1])
  local lists = plan.threads
  users = lists[((tid - 1) % #lists) + 1]
  user_index = 1
  step_index = 1
  checked = 0
  bad_status = 0
  bad_marker = 0
  sequences = 0
  wrapped = 0
  step_ok = {}
  for i = 1, #plan.steps do step_ok[i] = 0 end
  first_error = ""
end

local function fill(text, user)
  return (string.gsub(text, "{([%w_]+)}", function(key) return user[key] or "" end))
end

function request()
  local step = plan.steps[step_index]
  local user = users[user_index]
  local headers = {}
  for name, value in pairs(step.headers or {}) do headers[name] = value end
  if user.cookie then headers["Cookie"] = user.cookie end
  local body = nil
  if step.body then
    body = fill(step.body, user)
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  return wrk.format(step.method, fill(step.path, user), headers, body)
end

local function next_user()
  user_index = user_index + 1
  if user_index > #users then
    user_index = 1
    wrapped = wrapped + 1
  end
end

local function count_lines(body)
  local _, n = string.gsub(body, "\n", "")
  return n
end

function response(status, headers, body)
  local step = plan.steps[step_index]
  local user = users[user_index]
  local good = status == step.status
  local why = ""
  if not good then
    bad_status = bad_status + 1
    why = "status " .. status .. " at step " .. step_index
  else
    local where = body
    if step.header then where = headers[step.header] or "" end
    if step.marker and not string.find(where, step.marker, 1, true) then
      good = false
      why = "marker missing at step " .. step_index
    elseif step.lines and count_lines(body) ~= step.lines then
      good = false
      why = "lines " .. count_lines(body) .. " instead of " .. step.lines
    end
    if not good then bad_marker = bad_marker + 1 end
  end
  if not step.keep_cookie then
    local set = headers["Set-Cookie"]
    if set then
      local cookie = string.match(set, "^(session=[^;]*)")
      if cookie then user.cookie = cookie end
    end
  end
  if good then
    checked = checked + 1
    step_ok[step_index] = step_ok[step_index] + 1
    step_index = step_index + 1
    if step_index > #plan.steps then
      step_index = 1
      sequences = sequences + 1
      if plan.advance then next_user() end
    end
  else
    if first_error == "" then
      first_error = why .. " (" .. user.label .. "): " .. string.sub(body, 1, 160)
    end
    step_index = 1
    if plan.advance then next_user() end
  end
end

local function encode(value)
  local kind = type(value)
  if kind == "number" then
    return string.format("%.17g", value)
  elseif kind == "string" then
    local escaped = string.gsub(value, '[%c"\\]', function(c)
      return string.format("\\u%04x", string.byte(c))
    end)
    return '"' .. escaped .. '"'
  elseif kind == "table" then
    if #value > 0 then
      local parts = {}
      for _, item in ipairs(value) do table.insert(parts, encode(item)) end
      return "[" .. table.concat(parts, ",") .. "]"
    end
    local parts = {}
    for key, item in pairs(value) do
      table.insert(parts, encode(tostring(key)) .. ":" .. encode(item))
    end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif kind == "boolean" then
    return value and "true" or "false"
  end
  return "null"
end

function done(summary, latency, requests)
  local result = {
    requests = summary.requests,
    duration_us = summary.duration,
    bytes = summary.bytes,
    connect_errors = summary.errors.connect,
    read_errors = summary.errors.read,
    write_errors = summary.errors.write,
    status_errors = summary.errors.status,
    timeouts = summary.errors.timeout,
    p50_us = latency:percentile(50),
    p95_us = latency:percentile(95),
    p99_us = latency:percentile(99),
    max_us = latency.max,
    mean_us = latency.mean,
    checked = 0,
    bad_status = 0,
    bad_marker = 0,
    sequences = 0,
    wrapped = 0,
    step_ok = {},
    errors_seen = {},
  }
  for _, thread in ipairs(threads) do
    result.checked = result.checked + thread:get("checked")
    result.bad_status = result.bad_status + thread:get("bad_status")
    result.bad_marker = result.bad_marker + thread:get("bad_marker")
    result.sequences = result.sequences + thread:get("sequences")
    result.wrapped = result.wrapped + thread:get("wrapped")
    local ok = thread:get("step_ok")
    for i, n in ipairs(ok) do result.step_ok[i] = (result.step_ok[i] or 0) + n end
    local seen = thread:get("first_error")
    if seen ~= "" and #result.errors_seen < 3 then table.insert(result.errors_seen, seen) end
  end
  io.write("BENCH_RESULT " .. encode(result) .. "\n")
end
