module broadsheet/tools/deploycheck

go 1.25
