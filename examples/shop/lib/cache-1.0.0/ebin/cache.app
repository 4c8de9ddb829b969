{application, cache,
 [{description, "Shop cache"},
  {vsn, "1.0.0"},
  {modules, [cache_app, cache_server]},
  {registered, [cache_server]},
  {applications, [kernel, stdlib]}, {mod, {cache_app, []}}]}.
