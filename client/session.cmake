# session library: see session.h
