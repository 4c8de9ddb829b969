%% Prices of the shop, release 1.0.0: the state is {state, Prices}.
-module(shop_price).
-behaviour(gen_server).
-export([start_link/0, price/1, set_price/2, release/0]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2,
         terminate/2, code_change/3]).

start_link() ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

price(Item) ->
    gen_server:call(?MODULE, {price, Item}).

set_price(Item, Cents) ->
    gen_server:call(?MODULE, {set_price, Item, Cents}).

release() ->
    "1.0.0".

init([]) ->
    {ok, Initial} = application:get_env(shop_core, initial_prices),
    {ok, {state, maps:from_list(Initial)}}.

handle_call({price, Item}, _From, {state, Prices} = State) ->
    {reply, maps:get(Item, Prices, 0), State};
handle_call({set_price, Item, Cents}, _From, {state, Prices}) ->
    {reply, ok, {state, Prices#{Item => Cents}}}.

handle_cast(_Msg, State) ->
    {noreply, State}.

handle_info(_Info, State) ->
    {noreply, State}.

terminate(_Reason, _State) ->
    ok.

code_change(_OldVsn, State, _Extra) ->
    {ok, State}.
