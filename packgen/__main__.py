from packgen.launch import main

main()
