#!/bin/sh
# A Rune exec function: one process per call. The request body arrives on stdin; headers as
# Http_<Name> variables; REQUEST_METHOD, PATH_INFO, QUERY_STRING, RUNE_REQUEST_ID are set.
# Print optional "Status:"/"Content-Type:" lines, a blank line, then the body.
words=$(wc -w)
echo "counted $words words for $RUNE_REQUEST_ID" >&2
printf 'Content-Type: application/json\n\n'
printf '{"method": "%s", "words": %s}\n' "$REQUEST_METHOD" "$words"
