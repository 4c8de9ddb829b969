#!/usr/bin/env escript
%% -*- erlang -*-
%%! -noshell
-mode(compile).
%%
%% Batch oracle for appup version matching: asks OTP's
%% systools_relup:appup_search_for_version/2 many questions per VM start.
%% Output is tab-separated, one answer per line, all strings hex-encoded
%% UTF-8 (patterns: the raw binary bytes):
%%
%%   oracle.escript gen COUNT SEED
%%       random patterns (alternations, anchors, classes, repetitions, ...)
%%       with versions sampled from each pattern and mutated:
%%       re <TAB> HEX(Pattern) <TAB> HEX(Vsn) <TAB> match|nomatch|crash
%%   oracle.escript corpus FILE...
%%       for each appup file (read like systools: first term only; a file
%%       whose first term uses the variable VSN is evaluated with
%%       VSN = "99.0.0"), versions drawn around its patterns:
%%       file <TAB> PATH <TAB> up|down <TAB> HEX(Vsn) <TAB> match:I|nomatch|crash|badfile
%%       (I = 0-based position of the selected element in the list)
%%   oracle.escript validate FILE...
%%       systools_rc's verdict on the instructions of every entry
%%       {String | Binary, Instrs} (expansion, point_of_no_return split,
%%       syntax check; later translation errors count as ok):
%%       entry <TAB> PATH <TAB> up|down <TAB> I <TAB> ok|crash|Reason (~w)

main(["gen", N, Seed]) ->
    S = list_to_integer(Seed),
    rand:seed(exsss, {S, S * 7 + 1, S * 13 + 5}),
    gen(list_to_integer(N));
main(["corpus" | Files]) ->
    lists:foreach(fun corpus_file/1, Files);
main(["validate" | Files]) ->
    lists:foreach(fun validate_file/1, Files);
main(_) ->
    io:format(standard_error, "usage: oracle.escript gen COUNT SEED | corpus FILE...~n", []),
    halt(2).

hex(Bin) when is_binary(Bin) -> binary:encode_hex(Bin);
hex(Str) -> binary:encode_hex(unicode:characters_to_binary(Str)).

%% ---- generated patterns -------------------------------------------------

gen(0) -> ok;
gen(N) ->
    Ast = g_alt(3),
    P = unicode:characters_to_binary(prefix() ++ render(Ast) ++ suffix()),
    Vs = lists:usort([sample(Ast) || _ <- lists:seq(1, 3)]
                     ++ [mutate(sample(Ast)) || _ <- lists:seq(1, 2)]),
    [io:format("re\t~s\t~s\t~s~n", [hex(P), hex(V), ask(P, V)]) || V <- Vs],
    gen(N - 1).

prefix() -> pick([{12, ""}, {1, "^"}, {1, "(?i)"}, {1, "(?s)"}, {1, "(?U)"}, {1, "(?m)"},
                   {1, "(?J)"}, {1, "\\A"}]).
suffix() -> pick([{12, ""}, {2, "$"}, {1, "\\z"}]).

pick(Weighted) ->
    Total = lists:sum([W || {W, _} <- Weighted]),
    pick(rand:uniform(Total), Weighted).
pick(R, [{W, X} | _]) when R =< W -> X;
pick(R, [{W, _} | T]) -> pick(R - W, T).

%% AST: {alt, [Seq]} | {seq, [Item]} | {lit, Text, Sample} | {cls, Text, Chars}
%%      | {grp, Open, Alt} | {rep, Item, Q, Min, Max}
g_alt(D) ->
    case D > 0 andalso rand:uniform(4) =:= 1 of
        true -> {alt, [g_seq(D - 1) || _ <- lists:seq(1, 1 + rand:uniform(2))]};
        false -> {alt, [g_seq(D - 1)]}
    end.

g_seq(D) -> {seq, [g_rep(D) || _ <- lists:seq(1, rand:uniform(4))]}.

g_rep(D) ->
    A = g_atom(D),
    case rand:uniform(3) of
        1 ->
            {Q, Min, Max} = pick([{3, {"*", 0, 3}}, {3, {"+", 1, 3}}, {2, {"?", 0, 1}},
                                  {1, {"{2}", 2, 2}}, {1, {"{1,2}", 1, 2}}, {1, {"{0,}", 0, 3}},
                                  {1, {"*?", 0, 3}}, {1, {"+?", 1, 3}}, {1, {"??", 0, 1}},
                                  {1, {"{0,2}", 0, 2}}, {1, {"{1,}", 1, 3}}, {1, {"{2,3}?", 2, 3}}]),
            {rep, A, Q, Min, Max};
        _ -> A
    end.

g_atom(D) ->
    case D > 0 andalso rand:uniform(5) =:= 1 of
        true -> {grp, pick([{3, "("}, {2, "(?:"}, {1, "(?<n>"}, {1, "(?i:"}, {1, "(?s:"},
                            {1, "(?|"}, {1, "(?-i:"}]), g_alt(D - 1)};
        false ->
            pick([{6, {lit, "\\.", "."}},
                  {6, {lit, "1", "1"}}, {4, {lit, "0", "0"}}, {3, {lit, "2", "2"}},
                  {2, {lit, "10", "10"}}, {1, {lit, "-", "-"}}, {1, {lit, "a", "a"}},
                  {1, {lit, "\\x{e9}", [233]}}, {1, {lit, "\\-", "-"}},
                  {3, {cls, ".", "1.x"}},
                  {4, {cls, "[0-9]", "0159"}}, {2, {cls, "[0-4]", "04"}},
                  {2, {cls, "\\d", "37"}}, {1, {cls, "\\w", [$a, $_, 233, 257]}},
                  {1, {cls, "[^.]", "5.a"}}, {1, {cls, "[[:digit:]]", "8"}},
                  {1, {cls, "[[:alpha:]]", [$b, 223, 256]}}, {1, {cls, "\\s", " \t"}},
                  {1, {cls, "[a-cA]", "bAC"}}, {1, {cls, "\\D", "a1"}},
                  {1, {cls, "[\\d.]", "4."}}, {1, {cls, "[^0-9a-z]", "-0"}},
                  {1, {lit, "\\b", ""}}, {1, {lit, "(?i)", ""}},
                  {1, {lit, "\\Q1.\\E", "1."}}, {1, {cls, "[[:^digit:]]", "a."}},
                  {1, {cls, "\\h", " \t"}}, {1, {cls, "\\v", "\n"}},
                  {1, {cls, "[\\w-]", "a-_"}}, {1, {cls, "[a\\]]", "a]"}},
                  {1, {lit, "\\x41", "A"}}, {1, {lit, "\\101", "A"}},
                  {1, {lit, "\\e", [27]}}, {1, {lit, "\\cA", [1]}},
                  {1, {cls, "\\S", "a."}}, {1, {cls, "\\W", ".-"}},
                  {1, {cls, "[^\\d]", "a"}}, {1, {lit, "(?-i)", ""}},
                  {1, {lit, "(?m)", ""}}, {1, {lit, "\\A", ""}},
                  {1, {lit, "\\Z", ""}}, {1, {lit, "$", ""}}, {1, {lit, "^", ""}},
                  {1, {cls, "[[:alnum:]_]", "a_1"}}, {1, {lit, "{,3}", "{,3}"}},
                  {1, {cls, "\\N", "a."}}, {1, {lit, "\\x{100}", [256]}},
                  {1, {cls, "[^\\x{e9}]", [233, $e]}}, {1, {lit, "\\B", ""}}])
    end.

render({alt, Seqs}) -> lists:join("|", [render(S) || S <- Seqs]);
render({seq, Items}) -> [render(I) || I <- Items];
render({lit, T, _}) -> T;
render({cls, T, _}) -> T;
render({grp, Open, A}) -> [Open, render(A), ")"];
render({rep, A, Q, _, _}) -> [render(A), Q].

sample({alt, Seqs}) -> sample(lists:nth(rand:uniform(length(Seqs)), Seqs));
sample({seq, Items}) -> lists:append([sample(I) || I <- Items]);
sample({lit, _, S}) -> S;
sample({cls, _, Cs}) -> [lists:nth(rand:uniform(length(Cs)), Cs)];
sample({grp, _, A}) -> sample(A);
sample({rep, A, _, Min, Max}) ->
    N = Min + rand:uniform(Max - Min + 1) - 1,
    lists:append([sample(A) || _ <- lists:seq(1, N)]).

mutate(V) ->
    case rand:uniform(5) of
        1 -> V ++ "0";
        2 -> V ++ ".1";
        3 when V =/= [] -> lists:droplast(V);
        4 -> "1" ++ V;
        _ -> V ++ "\n"
    end.

ask(P, V) ->
    try systools_relup:appup_search_for_version(V, [{P, x}]) of
        {ok, x} -> "match";
        error -> "nomatch"
    catch _:_ -> "crash"
    end.

%% ---- corpus appups --------------------------------------------------------

corpus_file(File) ->
    case read(File) of
        {ok, {Vsn, Up, Down}} ->
            Vs = versions(File, Vsn, Up, Down),
            [io:format("file\t~s\t~s\t~s\t~s~n", [File, Dir, hex(V), lookup(V, L)])
             || {Dir, L} <- [{"up", Up}, {"down", Down}], V <- Vs];
        _ ->
            io:format("file\t~s\t-\t-\tbadfile~n", [File])
    end.

read(File) ->
    case systools_lib:read_term(File) of
        {ok, T} -> {ok, T};
        _ -> read_with_vsn(File)
    end.

%% `{VSN, ...}` files, as rebar-style tooling evaluates them.
read_with_vsn(File) ->
    try
        {ok, Bin} = file:read_file(File),
        {ok, Toks, _} = erl_scan:string(unicode:characters_to_list(Bin)),
        First = first_form(Toks, []),
        {ok, [Expr]} = erl_parse:parse_exprs(First),
        Bs = erl_eval:add_binding('VSN', "99.0.0", erl_eval:new_bindings()),
        {value, V, _} = erl_eval:expr(Expr, Bs),
        {ok, V}
    catch _:_ -> error
    end.

first_form([{dot, _} = D | _], Acc) -> lists:reverse([D | Acc]);
first_form([T | Ts], Acc) -> first_form(Ts, [T | Acc]).

lookup(V, L) ->
    try systools_relup:appup_search_for_version(V, index(L, 0)) of
        {ok, I} -> "match:" ++ integer_to_list(I);
        error -> "nomatch"
    catch _:_ -> "crash"
    end.

%% Replaces each 2-tuple's instructions by its position, keeping the shape.
index([{S, _} | T], I) -> [{S, I} | index(T, I + 1)];
index([X | T], I) -> [X | index(T, I + 1)];
index(Tail, _) -> Tail.

%% Versions around the file's patterns: its exact versions and variants,
%% strings built from the numbers it mentions, and crude samples of each
%% regex.
versions(_File, Vsn, Up, Down) ->
    Entries = entries(Up) ++ entries(Down),
    Exact = [S || S <- [Vsn | [S || {S, _} <- Entries]], is_list(S), io_lib:printable_unicode_list(S)],
    Regexes = [B || {B, _} <- Entries, is_binary(B)],
    Nums = lists:sublist(lists:usort(["0", "1", "10"] ++ numbers(Exact ++ [binary_to_list(B) || B <- Regexes])), 6),
    Built = Nums ++ [A ++ "." ++ B || A <- Nums, B <- Nums]
        ++ [A ++ "." ++ B ++ "." ++ C || A <- lists:sublist(Nums, 4), B <- lists:sublist(Nums, 4), C <- Nums],
    Around = lists:append([[S, S ++ "0", S ++ ".0", S ++ ".1", S ++ "-rc1", lists:droplast(S)] || S <- Exact, S =/= []]),
    Samples = lists:append([crude_samples(B) || B <- Regexes]),
    lists:usort(Built ++ Around ++ Samples ++ [""]).

entries(L) when is_list(L) -> [E || E = {_, _} <- proper(L)];
entries(_) -> [].

proper([H | T]) -> [H | proper(T)];
proper(_) -> [].

numbers(Strs) ->
    lists:usort([N || S <- Strs, N <- string:lexemes(S, lists:seq(0, 47) ++ lists:seq(58, 255)),
                      length(N) < 6, lists:all(fun(C) -> C >= $0 andalso C =< $9 end, N)]).

crude_samples(B) ->
    try
        S0 = unicode:characters_to_list(B),
        Reps = [{"\\^|\\$", ""}, {"\\(\\?:", "("}, {"\\[0-9\\]\\+|\\\\d\\+", "12"},
                {"\\[([0-9])-[0-9]\\]", "\\1"}, {"\\.\\*", ""}, {"\\.\\+", "5"},
                {"\\\\\\.", "."}, {"[()*+?]", ""}],
        S1 = lists:foldl(fun({Re, To}, Acc) -> re:replace(Acc, Re, To, [global, unicode, {return, list}]) end, S0, Reps),
        [S1, S1 ++ "0", S1 ++ ".0", S1 ++ "9"]
    catch _:_ -> []
    end.

%% ---- instruction validation --------------------------------------------

validate_file(File) ->
    case read(File) of
        {ok, {_, Up, Down}} ->
            [validate_entry(File, Dir, I, Instrs)
             || {Dir, L} <- [{"up", Up}, {"down", Down}], is_list(L),
                {I, {S, Instrs}} <- lists:zip(lists:seq(0, length(proper(L)) - 1), proper(L)),
                is_list(S) orelse is_binary(S)];
        _ -> ok
    end.

syntax_reason(too_many_point_of_no_return) -> true;
syntax_reason({not_yet_implemented, _}) -> true;
syntax_reason({bad_op_before_point_of_no_return, _}) -> true;
syntax_reason({R, _}) when is_atom(R) ->
    lists:member(R, [bad_instruction, bad_module, bad_list, bad_mod_type, bad_timeout,
                     bad_change, bad_purge_method, bad_application, bad_start_type,
                     bad_lib, bad_lib_vsn, bad_code_change, bad_mode, bad_func,
                     bad_args_list, bad_node]);
syntax_reason(_) -> false.

validate_entry(File, Dir, I, Instrs) ->
    Verdict =
        try systools_rc:translate_scripts(up, [Instrs], [], []) of
            {error, systools_rc, R} ->
                case syntax_reason(R) of
                    true -> io_lib:format("~w", [R]);
                    false -> "ok"
                end;
            _ -> "ok"
        catch _:_ -> "crash"
        end,
    io:format("entry\t~s\t~s\t~w\t~s~n", [File, Dir, I, Verdict]).
