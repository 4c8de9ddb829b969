{application, auth3,
 [{description, "generated"},
  {vsn, "1.0.0"},
  {modules, [auth3_m1, auth3_m2, auth3_m3, auth3_m4]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
