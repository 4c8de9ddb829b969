#!/usr/bin/env escript
%% Records how systools_make:read_application/4 (OTP) reads each case of
%% cases.txt ("== NAME" then the text of NAME's a.app, wanted version "1"):
%% one line "NAME RESULT" per case, RESULT being ok, missing_param KEY,
%% bad_param KEY, exit (systools crashes inside check_item/2),
%% badly_formatted_application, parse_error or not_found.
%%   escript oracle.escript cases.txt > otp.txt
main([File]) ->
    {ok, Bin} = file:read_file(File),
    Cases = split(string:split(binary_to_list(Bin), "\n", all), undefined, [], []),
    Dir = "/tmp/app_systools_oracle",
    ok = filelib:ensure_dir(Dir ++ "/x"),
    [begin
         ok = file:write_file(Dir ++ "/a.app", Text),
         io:format("~s ~s~n", [Name, show(systools_make:read_application("a", "1", [Dir], []))])
     end || {Name, Text} <- Cases].

split([], undefined, _, Acc) -> lists:reverse(Acc);
split([], Name, Lines, Acc) -> lists:reverse([{Name, join(Lines)} | Acc]);
split(["== " ++ Name | T], undefined, _, Acc) -> split(T, Name, [], Acc);
split(["== " ++ Next | T], Name, Lines, Acc) -> split(T, Next, [], [{Name, join(Lines)} | Acc]);
split([L | T], Name, Lines, Acc) -> split(T, Name, [L | Lines], Acc).

join(Lines) -> string:join(lists:reverse(Lines), "\n").

show({ok, _}) -> "ok";
show({error, {{missing_param, K}, _}}) -> "missing_param " ++ atom_to_list(K);
show({error, {{bad_param, K}, _}}) -> "bad_param " ++ atom_to_list(K);
show({error, {{'EXIT', _}, _}}) -> "exit";
show({error, {badly_formatted_application, _}}) -> "badly_formatted_application";
show({error, {parse_error, _}}) -> "parse_error";
show({error, {not_found, _}}) -> "not_found";
show(Other) -> io_lib:format("~0p", [Other]).
