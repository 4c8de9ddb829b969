{application, web,
 [{description, "Shop web front end"},
  {vsn, "1.0.0"},
  {modules, [web_app, web_sup, web_router, web_cart]},
  {registered, [web_sup]},
  {applications, [kernel, stdlib, db]}, {mod, {web_app, []}}]}.
