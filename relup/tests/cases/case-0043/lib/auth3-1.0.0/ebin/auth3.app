{application, auth3,
 [{description, "generated"},
  {vsn, "1.0.0"},
  {modules, [auth3_m1, auth3_m2, auth3_m3]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
