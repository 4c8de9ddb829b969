{application, auth3,
 [{description, "generated"},
  {vsn, "1.1.0"},
  {modules, [auth3_m1, auth3_m2, auth3_new]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
