#pragma once
// What SQLModel.metadata.create_all makes of the chatbot's models (which
// sql/ 0001 and 0002 stand for), with one conversation, 'kept': the
// database a team has before it adopts dbinit.
namespace dbinit::test {

inline constexpr const char* create_all_chatbot_sql =
    "CREATE TABLE conversations (id SERIAL NOT NULL, user_id VARCHAR NOT NULL, title VARCHAR, "
    "created_at TIMESTAMP WITH TIME ZONE NOT NULL, updated_at TIMESTAMP WITH TIME ZONE NOT NULL, PRIMARY KEY (id));"
    "CREATE INDEX ix_conversations_user_id ON conversations (user_id);"
    "CREATE TABLE messages (id SERIAL NOT NULL, conversation_id INTEGER NOT NULL, user_id VARCHAR NOT NULL, "
    "role VARCHAR NOT NULL, content VARCHAR NOT NULL, created_at TIMESTAMP WITH TIME ZONE NOT NULL, "
    "PRIMARY KEY (id), FOREIGN KEY(conversation_id) REFERENCES conversations (id));"
    "INSERT INTO conversations (user_id, created_at, updated_at) VALUES ('kept', now(), now());";

}  // namespace dbinit::test
