{application, cache2,
 [{description, "generated"},
  {vsn, "1.0.0"},
  {modules, [cache2_m1, cache2_m2, cache2_m3]},
  {registered, []},
  {applications, [kernel, stdlib, db1]}]}.
