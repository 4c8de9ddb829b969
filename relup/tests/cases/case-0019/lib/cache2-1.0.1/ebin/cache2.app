{application, cache2,
 [{description, "generated"},
  {vsn, "1.0.1"},
  {modules, [cache2_m1, cache2_m2]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
