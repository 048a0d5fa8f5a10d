"""Who may see what: users, roles, departments, areas, and the checks every path uses."""
