#!/bin/bash
# drbd-stats.sh - Statistiques detaillees de r0, expliquees (TP5, section 8.2)
#
# Source : "drbdsetup status r0 --verbose --statistics" (DRBD 9). Les abreviations de
# l'ancien /proc/drbd (DRBD 8) correspondent aux champs de DRBD 9 :
#   ns  (network send)    -> sent:         KiB envoyes au pair
#   nr  (network receive) -> received:     KiB recus du pair
#   dw  (disk write)      -> written:      KiB ecrits sur le disque local
#   dr  (disk read)       -> read:         KiB lus sur le disque local
#   pe  (pending)         -> pending:      requetes envoyees au pair, sans reponse
#   ua  (unacked)         -> unacked:      requetes recues du pair, pas encore acquittees
#   oos (out of sync)     -> out-of-sync:  KiB a resynchroniser vers/depuis ce pair

RES="${RES:-r0}"

if [ $# -ne 0 ]; then
    echo "Usage: $0" >&2
    exit 1
fi

STATS=$(drbdsetup status "$RES" --verbose --statistics 2>&1)
rc=$?
if [ $rc -ne 0 ]; then
    echo "$STATS" >&2
    exit $rc
fi

echo ">>> drbdsetup status $RES --verbose --statistics"
echo "$STATS"
echo

# valeur d'un champ "nom:valeur" dans une ligne
field() {
    local tok
    for tok in $2; do
        case "$tok" in "$1":*) echo "${tok#*:}"; return ;; esac
    done
    echo 0
}

explain() { printf '  %-22s %-16s %12s  %s\n' "$1" "$2" "$3" "$4"; }

peer=""
while IFS= read -r line; do
    set -- $line
    case "$1" in
        volume:*)
            if [ -z "$peer" ]; then
                echo "Volume ${1#volume:} - disque local ($(field disk "$line"))"
            fi
            ;;
        size:*)
            explain "dw (disk write)" "written:" "$(field written "$line") KiB" "ecrits sur le disque local"
            explain "dr (disk read)" "read:" "$(field read "$line") KiB" "lus sur le disque local"
            explain "al (activity log)" "al-writes:" "$(field al-writes "$line")" "mises a jour du journal d'activite"
            ;;
        received:*)
            explain "nr (network receive)" "received:" "$(field received "$line") KiB" "recus de $peer"
            explain "ns (network send)" "sent:" "$(field sent "$line") KiB" "envoyes a $peer"
            explain "pe (pending)" "pending:" "$(field pending "$line")" "requetes envoyees, reponse attendue"
            explain "ua (unacked)" "unacked:" "$(field unacked "$line")" "requetes recues, pas encore acquittees"
            explain "oos (out of sync)" "out-of-sync:" "$(field out-of-sync "$line") KiB" "a resynchroniser"
            ;;
        *)
            case "$line" in
                *connection:*)
                    peer=$1
                    echo
                    echo "Pair $peer ($(field connection "$line"), role $(field role "$line"))"
                    ;;
            esac
            ;;
    esac
done <<< "$STATS"
echo
echo "A surveiller : pe et ua qui restent eleves (reseau ou disque du pair sature),"
echo "oos different de 0 hors resynchronisation (ecritures faites sans le pair)."
