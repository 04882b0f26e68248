"""Supervision: keeping rectification moving — the pages that put what the inspectors found beside what
the units did about it (the workbench, the round overview and its API), and later supervision orders,
interviews and notifications. It sits above inspections and rectification and may read both."""
