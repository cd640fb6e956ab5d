"""Layer 2: `Document` -> `PlanRecord` (the plan schema); `normalizers.plan.normalise` is the entry point."""
