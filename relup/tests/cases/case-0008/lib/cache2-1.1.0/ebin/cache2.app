{application, cache2,
 [{description, "generated"},
  {vsn, "1.1.0"},
  {modules, [cache2_m2, cache2_m3]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
