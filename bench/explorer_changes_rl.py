"""The rl elective's explorer for bench/explorer_updates.py (the loader injects CLICK)."""


def gridworld_changes():
    changes = [("sweep", k) for k in (0, 1, 2, 3, 5, 8, 13, 20, 40, 60)]
    changes += [("step_reward", r) for r in (-0.5, -2.0, 0.1, 0.3, -0.04)]
    changes += [("gamma", g) for g in (0.5, 0.99, 0.9)]
    changes += [("slip", s) for s in (0.0, 0.4, 0.6, 0.2)]
    changes += [("epsilon", e) for e in (0.3, 0.6, 1.0, 0.1)]
    changes += [("goal_reward", 2.0), ("pit_reward", -3.0), ("sweep", 4), ("goal_reward", 1.0), ("pit_reward", -1.0)]
    return changes


EXPLORERS = [("gridworld_explorer", gridworld_changes)]
