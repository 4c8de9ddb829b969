# relx's replace_os_vars (priv/templates/extended_bin, relx 4), the awk
# program verbatim: substitute ${VAR} and ${VAR:-default} from the
# environment, line by line. Used to record substitution goldens.
{
    while(match($0,"[$]{[^}]*}")) {
        var=substr($0,RSTART+2,RLENGTH -3)
        slen=split(var,arr,":-")
        v=arr[1]
        e=ENVIRON[v]
        gsub("&","\\\\\\&",e)
        if(slen > 1 && e=="") {
            i=index(var, ":-"arr[2])
            def=substr(var,i+2)
            gsub("[$]{"var"}",def)
        } else {
            gsub("[$]{"var"}",e)
        }
    }
}1
