{application, web,
 [{description, "Shop web front end"},
  {vsn, "1.1.0"},
  {modules, [web_app, web_sup, web_router, web_cart, web_checkout]},
  {registered, [web_sup]},
  {applications, [kernel, stdlib, db]}, {mod, {web_app, []}}]}.
