-- LRU cache for OpenResty workers.
local lrucache = require "resty.lrucache"

local _M = { _VERSION = "0.3.1" }

local cache, err = lrucache.new(10000)
if not cache then
  error("failed to create the cache: " .. (err or "unknown"))
end

local DEFAULT_TTL = 60 -- seconds

function _M.get_or_load(key, loader, ttl)
  local value = cache:get(key)
  if value ~= nil then
    return value
  end
  local loaded, load_err = loader(key)
  if load_err then
    ngx.log(ngx.ERR, "load ", key, ": ", load_err)
    return nil, load_err
  end
  cache:set(key, loaded, ttl or DEFAULT_TTL)
  return loaded
end

function _M.stats()
  return { count = cache:count(), capacity = cache:capacity() }
end

return _M
