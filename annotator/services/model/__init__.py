"""The project's baseline text classifier: training with grouped cross-validation,
stored predictions, likely label errors (suspects) and the next posts to label."""
