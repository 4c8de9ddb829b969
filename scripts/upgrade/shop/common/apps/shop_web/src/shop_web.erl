%% A library module: the page of one item.
-module(shop_web).
-export([page/1]).

page(Item) ->
    lists:flatten(io_lib:format("~s: ~s", [Item, shop_fmt:price(shop_price:price(Item))])).
