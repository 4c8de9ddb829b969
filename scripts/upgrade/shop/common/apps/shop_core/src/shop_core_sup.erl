-module(shop_core_sup).
-behaviour(supervisor).
-export([start_link/0, init/1]).

start_link() ->
    supervisor:start_link({local, ?MODULE}, ?MODULE, []).

init([]) ->
    Price = #{id => shop_price,
              start => {shop_price, start_link, []},
              restart => permanent,
              shutdown => 5000,
              type => worker,
              modules => [shop_price]},
    {ok, {#{strategy => one_for_one, intensity => 5, period => 10}, [Price]}}.
