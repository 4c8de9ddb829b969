%% New in release 1.1.0: a summary of the price lookups.
-module(shop_stats).
-export([summary/0]).

summary() ->
    #{hits => shop_price:hits(), release => shop_price:release()}.
