# SDL client
