from grpaudit.cli.app import main

main()
