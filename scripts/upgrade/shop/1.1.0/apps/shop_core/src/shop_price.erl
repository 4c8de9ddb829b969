%% Prices of the shop, release 1.1.0: the state is {state, Prices, Hits},
%% Hits counting the price lookups. code_change/3 converts the 1.0.0
%% state on upgrade and converts back on downgrade.
-module(shop_price).
-behaviour(gen_server).
-export([start_link/0, price/1, set_price/2, hits/0, release/0]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2,
         terminate/2, code_change/3]).

start_link() ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

price(Item) ->
    gen_server:call(?MODULE, {price, Item}).

set_price(Item, Cents) ->
    gen_server:call(?MODULE, {set_price, Item, Cents}).

hits() ->
    gen_server:call(?MODULE, hits).

release() ->
    "1.1.0".

init([]) ->
    {ok, Initial} = application:get_env(shop_core, initial_prices),
    {ok, {state, maps:from_list(Initial), 0}}.

handle_call({price, Item}, _From, {state, Prices, Hits}) ->
    {reply, maps:get(Item, Prices, 0), {state, Prices, Hits + 1}};
handle_call({set_price, Item, Cents}, _From, {state, Prices, Hits}) ->
    {reply, ok, {state, Prices#{Item => Cents}, Hits}};
handle_call(hits, _From, {state, _Prices, Hits} = State) ->
    {reply, Hits, State}.

handle_cast(_Msg, State) ->
    {noreply, State}.

handle_info(_Info, State) ->
    {noreply, State}.

terminate(_Reason, _State) ->
    ok.

%% Downgrade: drop the counter. Upgrade: start counting at 0.
code_change({down, _Vsn}, {state, Prices, _Hits}, _Extra) ->
    {ok, {state, Prices}};
code_change(_OldVsn, {state, Prices}, _Extra) ->
    {ok, {state, Prices, 0}};
code_change(_OldVsn, State, _Extra) ->
    {ok, State}.
