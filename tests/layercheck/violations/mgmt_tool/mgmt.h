/* fixture: internal to the tool */
