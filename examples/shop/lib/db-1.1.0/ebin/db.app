{application, db,
 [{description, "Shop database layer"},
  {vsn, "1.1.0"},
  {modules, [db_app, db_sup, db_pool, db_query, db_migrate]},
  {registered, [db_pool]},
  {applications, [kernel, stdlib]}, {mod, {db_app, []}}]}.
