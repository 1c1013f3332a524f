# A stand-in agent: reports what it can see of its environment.
echo "agent: I run as $(id -un) in $(pwd)"
echo "agent: BOT_MODE=$BOT_MODE"
echo "agent: AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-<not visible>}"
echo "agent: I see $(env | wc -l) variables"
