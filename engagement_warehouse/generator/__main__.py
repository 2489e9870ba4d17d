from engagement_warehouse.generator.cli import main

raise SystemExit(main())
