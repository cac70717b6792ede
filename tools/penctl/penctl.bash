# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# bash completion for penctl(1): the commands, each command's options,
# pens for -d/--device (/dev/penN, penN and the /dev/pen/by-serial/
# links), files for replay and --log. Installed as
# $(BASHCOMPDIR)/penctl, where the bash-completion package loads it on
# first use; it needs nothing from that package, so that
# ". penctl.bash" works in any bash. The grammar is that of
# tools/penctl/args.c; tools/penctl/tests/completion.sh tests it.

# Where pens are looked for: /dev (tests point it elsewhere).
_penctl_dev=${_penctl_dev:-/dev}

# The options each command takes, besides --json, which all do.
_penctl_opts() {
	case $1 in
	list | replay | help) ;;
	info | status | stop | clear-fault) echo "-d --device" ;;
	set) echo "-d --device --depth --rate" ;;
	start) echo "-d --device --duration --log --watchdog --no-watchdog --hold-to-run" ;;
	run) echo "-d --device --depth --rate --duration --log --buttons --levels --watchdog --no-watchdog --hold-to-run" ;;
	monitor) echo "-d --device --duration --count" ;;
	*) echo "-d --device -h --help -V --version" ;;
	esac
}

# The pens: penN and /dev/penN for each node, and the by-serial links.
_penctl_pens() {
	local n
	for n in "$_penctl_dev"/pen[0-9]*; do
		[ -e "$n" ] || continue
		printf '%s\n%s\n' "${n##*/}" "/dev/${n##*/}"
	done
	for n in "$_penctl_dev"/pen/by-serial/*; do
		[ -e "$n" ] && printf '%s\n' "/dev/pen/by-serial/${n##*/}"
	done
}

_penctl() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev='' cmd='' i w
	local words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
	COMPREPLY=()

	# "--opt=value": bash splits it at '=' (COMP_WORDBREAKS).
	if [ "$cur" = = ]; then
		cur=
		prev=${words[cword - 1]}
	elif [ "$cword" -ge 2 ] && [ "${words[cword - 1]}" = = ]; then
		prev=${words[cword - 2]}
	elif [ "$cword" -ge 1 ]; then
		prev=${words[cword - 1]}
	fi

	case $prev in
	-d | --device)
		local IFS=$'\n'
		mapfile -t COMPREPLY < <(compgen -W "$(_penctl_pens)" -- "$cur")
		return 0 ;;
	--log)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return 0 ;;
	--depth | --rate | --duration | --count | --levels | --watchdog)
		return 0 ;;
	esac

	# The command: the first word that is neither an option nor the
	# value of one.
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		case $w in
		-d | --device | --depth | --rate | --duration | --count | \
		--log | --levels | --watchdog)
			# Its value: the next word, or the one after an '='.
			if [ "${words[i + 1]:-}" = = ]; then
				i=$((i + 2))
			else
				i=$((i + 1))
			fi ;;
		-*) ;;
		*) cmd=$w; break ;;
		esac
	done

	if [ -z "$cmd" ] && [[ $cur != -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "list info status set start stop clear-fault run monitor replay help" -- "$cur")
		return 0
	fi
	if [ "$cmd" = replay ] && [[ $cur != -* ]]; then
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return 0
	fi
	mapfile -t COMPREPLY < <(compgen -W "$(_penctl_opts "$cmd") --json" -- "$cur")
	return 0
}

complete -F _penctl penctl
