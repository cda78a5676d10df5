-- wrk script for every benchmark workload.
--
-- Arguments after "--":
--   1  request cap per thread: the thread stops after sending this many
--   2  thread count of the run (the -t value)
--   3  mode. "fixed" sends the URL given to wrk unchanged. "containers"
--      appends a distinct container number to a path prefix on every
--      request. "keys" appends one key of a numbered series per request.
--   4+ mode arguments:
--      containers: path prefix, first index, owner codes (comma separated)
--      keys: path prefix, key prefix, key count
--
-- done() prints one line that starts with BENCH-RESULT for bench/run.py.

local cap, threads, mode, prefix
local sent = 0
local first_index, owners, key_prefix, key_count

local next_thread = 0

function setup(thread)
   thread:set("thread_index", next_thread)
   next_thread = next_thread + 1
end

-- ISO 6346 letter values run from 10 to 38 and skip multiples of 11.
local letter_values = {}
do
   local value = 10
   for code = string.byte("A"), string.byte("Z") do
      if value % 11 == 0 then
         value = value + 1
      end
      letter_values[string.char(code)] = value
      value = value + 1
   end
end

local function check_digit(owner_and_serial)
   local total = 0
   for position = 1, 10 do
      local character = owner_and_serial:sub(position, position)
      local value = letter_values[character] or tonumber(character)
      total = total + value * 2 ^ (position - 1)
   end
   return total % 11 % 10
end

local function container_number(index)
   local owner = owners[math.floor(index / 1000000) + 1]
   if owner == nil then
      return nil
   end
   local text = string.format("%s%06d", owner, index % 1000000)
   return text .. check_digit(text)
end

local fixed_request

function init(args)
   -- setup() stored thread_index as a global of this thread's environment.
   thread_index = thread_index or 0
   cap = tonumber(args[1])
   threads = tonumber(args[2])
   mode = args[3]
   prefix = args[4]
   if mode == "containers" then
      first_index = tonumber(args[5])
      owners = {}
      for owner in string.gmatch(args[6], "[^,]+") do
         table.insert(owners, owner)
      end
   elseif mode == "keys" then
      key_prefix = args[5]
      key_count = tonumber(args[6])
   else
      fixed_request = wrk.format()
   end
end

function request()
   sent = sent + 1
   if sent >= cap then
      wrk.thread:stop()
   end
   if mode == "containers" then
      -- Threads interleave their indexes, so no two requests share one.
      local index = first_index + thread_index + (sent - 1) * threads
      local number = container_number(index)
      if number == nil then
         wrk.thread:stop()
         number = container_number(first_index)
      end
      return wrk.format(nil, prefix .. number)
   elseif mode == "keys" then
      local key = (thread_index + (sent - 1) * threads) % key_count
      return wrk.format(nil, prefix .. string.format("%s%05d", key_prefix, key))
   end
   return fixed_request
end

function done(summary, latency, requests)
   local errors = summary.errors
   io.write(string.format(
      "BENCH-RESULT requests=%d duration_us=%d bytes=%d status=%d connect=%d "
         .. "read=%d write=%d timeout=%d p50_us=%d p90_us=%d p99_us=%d "
         .. "max_us=%d\n",
      summary.requests, summary.duration, summary.bytes, errors.status,
      errors.connect, errors.read, errors.write, errors.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max
   ))
end
