module github.com/kaiten-bus/kaiten

go 1.26

require (
	github.com/rabbitmq/amqp091-go v1.16.0
	go.yaml.in/yaml/v3 v3.0.6
)
