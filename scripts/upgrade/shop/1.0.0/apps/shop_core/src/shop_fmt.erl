%% Formatting of prices, release 1.0.0: "1.20".
-module(shop_fmt).
-export([price/1]).

price(Cents) ->
    lists:flatten(io_lib:format("~b.~2..0b", [Cents div 100, Cents rem 100])).
