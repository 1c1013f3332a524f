# A stand-in agent: reports what it can see of its environment, without
# printing the token itself.
echo "agent: BOT_MODE=$BOT_MODE"
echo "agent: GITHUB_TOKEN is ${GITHUB_TOKEN:+set, ${#GITHUB_TOKEN} bytes}"
echo "agent: AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-<not visible>}"
echo "agent: my whole environment: $(env | cut -d= -f1 | sort | tr '\n' ' ')"
