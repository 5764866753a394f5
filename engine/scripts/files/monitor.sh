#!/bin/bash
# monitor.sh - Surveillance de r0 (TP2, TP5 section 8.1)
#
#   latency [N]                 N sondes d'ecriture 4 KiB, une par seconde (style ioping)
#   watch [--count N] [--interval S]
#                               tableau de bord rafraichi toutes les S secondes (2 par defaut)
#                               jusqu'a Ctrl-C, ou N fois (aussi : variable MONITOR_COUNT)
#
# Le tableau de bord ne montre que des donnees reelles de ce noeud :
#   drbdsetup status r0 --verbose --statistics      roles, disques, connexions, synchro et
#                                                   compteurs (c'est ce qu'affiche
#                                                   "drbdadm status r0", en plus detaille)
#   drbdsetup show r0                               protocole en vigueur
#   mount                                           /mnt/drbd monte ou non
# Le rafraichissement n'utilise que des commandes internes de bash pour analyser ces
# sorties (pas de awk/sed a chaque tour) : il reste rapide meme toutes les secondes.
# Le debit "last 60s" vient des compteurs written:/read: du volume, echantillonnes a chaque
# rafraichissement. L'etat "Mounted" du pair ne se voit pas d'ici : un Secondary
# ne peut pas etre monte (DRBD refuse l'ouverture), on l'affiche donc "No" ; "?" sinon.

RES="${RES:-r0}"
CONF="/etc/drbd.d/$RES.res"
MNT=/mnt/drbd
ME=$(uname -n)
W=64

usage() {
    echo "Usage: $0 latency [N] | watch [--count N] [--interval S]" >&2
    exit 1
}

# Largeurs comptees en caracteres (${#s}), pas en octets : le cadre contient de l'UTF-8
SPACES="                                                                 "
LINE="─────────────────────────────────────────────────────────────────"
FULL="████████████████████████████"
EMPTY="░░░░░░░░░░░░░░░░░░░░░░░░░░░░"
# pad TEXTE LARGEUR : met le texte complete d'espaces dans $P (sans sous-shell)
pad() {
    local n=$(($2 - ${#1}))
    [ $n -lt 0 ] && n=0
    P="$1${SPACES:0:n}"
}
row() {
    pad "$1" "$W"
    echo "│ $P│"
}
rule() { echo "$1$LINE$2"; }
label_of() {
    case "$1" in
        node[0-9]*) L="Node ${1#node}" ;;
        *) L="$1" ;;
    esac
}
# KiB -> texte lisible dans $H (KB, MB, GB), en arithmetique entiere
human() {
    local k=${1:-0}
    if [ "$k" -ge 1048576 ]; then
        local t=$((k * 10 / 1048576))
        H="$((t / 10)).$((t % 10)) GB"
    elif [ "$k" -ge 1024 ]; then
        H="$(((k + 512) / 1024)) MB"
    else
        H="$k KB"
    fi
}
# KiB pendant S secondes -> "12.5" (Mo/s) dans $R
rate() {
    local t=$(($1 * 10 / 1024 / $2))
    R="$((t / 10)).$((t % 10))"
}

# Les noeuds et leurs adresses, lus une fois dans la configuration
declare -A IP
HOSTS=""
while read -r k v w _; do
    case "$k" in
        on) h=$v; HOSTS="$HOSTS $h" ;;
        address) [ "$v" = ipv4 ] && v=$w; v=${v%;}; IP[$h]=${v%:*} ;;
    esac
done < "$CONF"
PEERS=()
for h in $HOSTS; do [ "$h" != "$ME" ] && PEERS+=("$h"); done
PEER=${PEERS[0]}
OTHERS="${PEERS[*]:1}"

# Historique des compteurs (date, KiB ecrits, KiB lus), garde entre deux lancements :
# le debit "last 60s" compare l'echantillon courant au plus ancien des 60 dernieres secondes.
HIST=/var/tmp/drbd-monitor-$RES.hist

render() {
    local stats line tok cur="" proto plabel
    stats=$(drbdsetup status "$RES" --verbose --statistics 2>&1) || { echo "$stats"; return 1; }
    proto=C
    while read -r k v _; do
        [ "$k" = protocol ] && proto=${v%;}
    done <<< "$(drbdsetup show "$RES")"
    case "$proto" in
        A) plabel="A (Asynchronous)" ;;
        B) plabel="B (Semi-synchronous)" ;;
        *) plabel="C (Synchronous)" ;;
    esac

    # Une passe sur la sortie de drbdsetup : ligne de la ressource, du volume local,
    # de chaque pair (connexion) et de chaque volume du pair (replication, compteurs).
    declare -A ROLE CONN PDISK DONE SENT RECV PEND UNACK OOS
    local my_role="" my_disk="" wr=0 rd=0
    while read -r line; do
        for tok in $line; do
            case "$tok" in
                role:*) if [ -z "$cur" ]; then my_role=${tok#role:}; else ROLE[$cur]=${tok#role:}; fi ;;
                disk:*) [ -z "$cur" ] && my_disk=${tok#disk:} ;;
                written:*) [ -z "$cur" ] && wr=${tok#written:} ;;
                read:*) [ -z "$cur" ] && rd=${tok#read:} ;;
                connection:*) CONN[$cur]=${tok#connection:} ;;
                peer-disk:*) PDISK[$cur]=${tok#peer-disk:} ;;
                done:*) DONE[$cur]=${tok#done:} ;;
                sent:*) SENT[$cur]=${tok#sent:} ;;
                received:*) RECV[$cur]=${tok#received:} ;;
                pending:*) PEND[$cur]=${tok#pending:} ;;
                unacked:*) UNACK[$cur]=${tok#unacked:} ;;
                out-of-sync:*) OOS[$cur]=${tok#out-of-sync:} ;;
                node-id:*) ;;
                *) case " $HOSTS " in *" $tok "*) cur=$tok ;; esac ;;
            esac
        done
    done <<< "$stats"

    local cstate=${CONN[$PEER]:-StandAlone} p_role=${ROLE[$PEER]:-Unknown} p_disk=${PDISK[$PEER]:-DUnknown}
    # un pair non connecte n'a ni role ni disque connus
    if [ "$cstate" != Connected ]; then p_role=Unknown; p_disk=DUnknown; fi
    local my_mnt="No" p_mnt="?"
    case "$(mount)" in *" on $MNT "*) my_mnt="Yes" ;; esac
    [ "$p_role" = Secondary ] && p_mnt="No"

    # synchronisation
    local pct state n done_pct=${DONE[$PEER]}
    if [ -n "$done_pct" ]; then
        pct=${done_pct%%.*}; state="Syncing"
    elif [ "$my_disk" = UpToDate ] && [ "$p_disk" = UpToDate ]; then
        pct=100; state="Complete"
    elif [ "$p_disk" = DUnknown ]; then
        pct=0; state="Peer unknown"
    else
        pct=0; state="$my_disk/$p_disk"
    fi
    n=$(( pct * 28 / 100 ))

    # debit sur la fenetre glissante de 60 s
    local now perf t0="" w0 r0 t w r k
    now=$(date +%s)
    mkdir -p /var/tmp
    echo "$now $wr $rd" >> "$HIST"
    tail -n 60 "$HIST" > "$HIST.new" && mv "$HIST.new" "$HIST"
    while read -r t w r; do
        if [ "$t" -ge $((now - 60)) ]; then t0=$t; w0=$w; r0=$r; break; fi
    done < "$HIST"
    k=$(( now - ${t0:-$now} ))
    if [ "$k" -gt 0 ]; then
        rate $((wr - w0)) "$k"; perf="Write: $R MB/s    "
        rate $((rd - r0)) "$k"; perf="${perf}Read: $R MB/s    (${k}s)"
    else
        perf="(mesure au prochain rafraichissement)"
    fi

    local conn="       " a b
    [ "$cstate" = Connected ] && conn="◄─────►"

    rule "┌" "┐"
    row "                   DRBD MONITOR - $RES"
    rule "├" "┤"
    row "Time: $(date '+%Y-%m-%d %H:%M:%S')"
    row ""
    row "Connection State: $cstate"
    row "Protocol: $plabel"
    row ""
    label_of "$ME"; pad "$L (${IP[$ME]})" 30; a=$P
    label_of "$PEER"; row "$a$L (${IP[$PEER]})"
    row "┌─────────────────────┐       ┌─────────────────────┐"
    pad "Role: $my_role" 20; a=$P; pad "Role: $p_role" 20; b=$P
    row "│ $a│       │ $b│"
    pad "Disk: $my_disk" 20; a=$P; pad "Disk: $p_disk" 20; b=$P
    row "│ $a│$conn│ $b│"
    pad "Mounted: $my_mnt" 20; a=$P; pad "Mounted: $p_mnt" 20; b=$P
    row "│ $a│       │ $b│"
    row "└─────────────────────┘       └─────────────────────┘"
    # au-dela de deux noeuds (DRBD 9), une ligne par pair supplementaire
    local o oc
    for o in $OTHERS; do
        oc=${CONN[$o]:-StandAlone}
        label_of "$o"
        if [ "$oc" = Connected ]; then
            row "$L (${IP[$o]}): ${ROLE[$o]:-Unknown}, ${PDISK[$o]:-DUnknown}, $oc"
        else
            row "$L (${IP[$o]}): Unknown, DUnknown, $oc"
        fi
    done
    row ""
    pad "$pct%" 6
    row "Sync Progress: $P${FULL:0:n}${EMPTY:0:$((28 - n))}  $state"
    row ""
    row "Network Stats:"
    human "${SENT[$PEER]}"; pad "Sent: $H" 16; a=$P
    human "${RECV[$PEER]}"; pad "Received: $H" 19; b=$P
    row "  $a${b}Pending: ${PEND[$PEER]:-0}"
    pad "Unacked: ${UNACK[$PEER]:-0}" 16
    row "  ${P}OutOfSync: ${OOS[$PEER]:-0} KB"
    row ""
    row "Performance (last 60s):"
    row "  $perf"
    rule "└" "┘"
}

case "$1" in
    latency)
        [ $# -le 2 ] || usage
        N=${2:-5}
        echo "$N" | grep -qE '^[0-9]+$' || usage
        labctl ioping "$N" "$RES"
        ;;
    watch)
        shift
        COUNT=${MONITOR_COUNT:-0}
        INTERVAL=2
        while [ $# -gt 0 ]; do
            case "$1" in
                --count) COUNT=$2; shift 2 ;;
                --interval) INTERVAL=$2; shift 2 ;;
                *) usage ;;
            esac
        done
        echo "$COUNT" | grep -qE '^[0-9]+$' || usage
        echo "$INTERVAL" | grep -qE '^[0-9]+$' || usage
        n=0
        while :; do
            printf '\033[H\033[2J'
            render || exit 1
            n=$((n + 1))
            if [ "$COUNT" -gt 0 ] && [ "$n" -ge "$COUNT" ]; then
                break
            fi
            echo "(rafraichi toutes les ${INTERVAL}s - Ctrl-C pour quitter)"
            sleep "$INTERVAL" || exit 130
        done
        ;;
    *)
        usage
        ;;
esac
