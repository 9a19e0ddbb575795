/* fixture: the interface */
