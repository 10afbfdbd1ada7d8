"""Where ServiceFacts meet the database: `read.service_facts` loads a whole service in a fixed
number of queries; `write.replace_service` makes the database hold exactly a given service."""
